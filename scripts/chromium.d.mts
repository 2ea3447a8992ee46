import type { BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH: string;
export const CHROMIUM_ARGS: string[];
/** one browser with one context; close() also removes its profile folder */
export function launchChromium(viewport?: { width?: number; height?: number }): Promise<{ context: BrowserContext; cpuSeconds(): number; close(): Promise<void> }>;
/** CPU seconds used so far by the browser on this profile and the processes under it (Linux /proc) */
export function browserCpuSeconds(profile: string): number;
