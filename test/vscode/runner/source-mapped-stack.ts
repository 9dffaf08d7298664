import { findSourceMap } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `file.js:line:column` inside a stack frame, the path absolute, relative or a file URL.
const FRAME_LOCATION = /((?:file:\/\/)?[^\s()]+?\.[cm]?js):(\d+):(\d+)/g;

function toPath(location: string): string {
  if (location.startsWith('file://')) {
    return fileURLToPath(location);
  }
  return isAbsolute(location) ? location : resolve(location);
}

/**
 * Rewrites the frames of `stack` that point into a bundle with a loaded source map so they
 * point at the TypeScript source. Node would do this itself, but the extension host installs
 * its own `Error.prepareStackTrace`, which takes precedence over Node's source map support;
 * the maps are still loaded (the runner enables them before loading a suite), so they are
 * looked up here. Frames without a map are left as they are.
 */
export function sourceMappedStack(stack: string): string {
  return stack.replace(FRAME_LOCATION, (whole, location: string, line: string, column: string) => {
    let map;
    try {
      map = findSourceMap(toPath(location));
    } catch {
      return whole;
    }
    if (!map) {
      return whole;
    }
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!('originalSource' in entry) || !entry.originalSource) {
      return whole;
    }
    const source = entry.originalSource.startsWith('file://')
      ? fileURLToPath(entry.originalSource)
      : entry.originalSource;
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
