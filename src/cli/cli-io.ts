import { createInterface } from 'node:readline/promises';

/** Where a command writes: results to `out`, everything meant for the person to `err`. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** What a command reads from and writes to; tests and the process supply their own. */
export interface CliIo extends Output {
  /** The environment: `env:` secrets and proxy variables come from here, nowhere else. */
  env: Readonly<Record<string, string | undefined>>;
  /** True when a person can answer questions (stdin is a terminal). */
  interactive: boolean;
  /** Asks one question on the terminal and returns the answer. */
  ask(question: string): Promise<string>;
}

/** Exit codes of the contract: findings decide 0 or 1; 2 means the command could not run. */
export const EXIT_CLEAN = 0;
export const EXIT_ERRORS = 1;
export const EXIT_UNUSABLE = 2;

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * `text` with every control character except line feed and tab written as a visible `\uXXXX`.
 * Specs, bounces and server answers are not ours: printed raw, an escape sequence in them would
 * drive the terminal (retitle it, clear it, fake a link). Inside a JSON string the same six
 * characters are the escape of that very character, so JSON output keeps its meaning.
 */
export function printable(text: string): string {
  return text.replace(
    TERMINAL_CONTROLS,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${printable(text)}\n`),
  err: (text) => process.stderr.write(`${printable(text)}\n`),
  env: process.env,
  interactive: process.stdin.isTTY === true,
  async ask(question) {
    // Questions go to stderr so that stdout stays the command's output.
    const terminal = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await terminal.question(question);
    } finally {
      terminal.close();
    }
  },
};
