export declare const eventSourceName: string;
export declare const eventSourceKey: string;
export declare function eventSourceComponent(): string;
export declare function withEventSource(wxs: string): string;
export declare function msiProjectCreated(projectFile: string): Promise<void>;
