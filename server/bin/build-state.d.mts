// The types of build-state.mjs, for the build script and the benchmark.
export declare const packageRoot: string;
export type BuildPart = 'server' | 'editor';
export declare const builds: Record<BuildPart, { dir: string; entry: string; stamp: string; sources: string[] }>;
export declare function buildState(part: BuildPart): { state: 'missing' | 'stale' | 'fresh'; entry: string };
