export interface Risk {
  severity: string;
  likelihood: string;
  risk: number;
}
export interface Evidence {
  path: string;
  /** A test title that must be in the file. */
  test?: string;
  /** For a document: text (usually its heading) that must be in it. */
  section?: string;
}
export interface Control {
  description: string;
  type: 'design' | 'test' | 'training' | 'deployment';
  state: 'in-place' | 'planned';
  evidence: Evidence[];
}
export interface Hazard {
  id: string;
  title: string;
  causes: string[];
  effect: string;
  clinicalConsequence: string;
  initial: Risk;
  controls: Control[];
  residual: Risk;
  status: string;
}
export interface HazardLog {
  product: string;
  scope: string;
  review: { state: string; clinicalSafetyOfficer: string; signedOff: boolean };
  hazards: Hazard[];
}
export declare const HAZARD_LOG: string;
export declare const REPORT: string;
export declare const SEVERITIES: string[];
export declare const LIKELIHOODS: string[];
export declare const ACCEPTABILITY: Record<number, string>;
export declare function riskOf(severity: string, likelihood: string): number;
export declare function readHazardLog(dir?: string): HazardLog;
export declare function renderSafetyCase(log: HazardLog): string;
