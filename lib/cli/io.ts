// What a command may touch, passed in so commands stay testable without spawning.
export interface CommandIO {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
