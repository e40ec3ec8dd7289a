export declare function signingStatus(env: Record<string, string | undefined>): {
  signed: boolean;
  required: boolean;
  problems: string[];
};
