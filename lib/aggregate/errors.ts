// The error aggregate raises for inputs it must not use (future or foreign schema, same run id with
// different content, an aggregate of aggregates). Always names the file.
export class AggregateError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'AggregateError';
  }
}
