// Types for @bcoe/v8-coverage (ships none): the part we use.
declare module '@bcoe/v8-coverage' {
  interface RangeCov {
    startOffset: number;
    endOffset: number;
    count: number;
  }
  interface FunctionCov {
    functionName: string;
    ranges: RangeCov[];
    isBlockCoverage: boolean;
  }
  interface ProcessCov {
    result: Array<{ scriptId: string; url: string; functions: FunctionCov[] }>;
  }
  const v8Coverage: { mergeProcessCovs(covs: ProcessCov[]): ProcessCov };
  export default v8Coverage;
}
