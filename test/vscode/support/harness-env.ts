// The names of the environment variables through which test/vscode/run.mjs talks to the code
// that runs inside the extension host. The extension host inherits code-server's environment,
// which is the only channel the harness has into it without adding commands to the product.

/** Absolute path of the bundled suite file the runner extension should execute. */
export const SUITE_ENV = 'MAIL_HYBRID_TEST_SUITE';

/** Absolute path of the JSON file the runner writes the results to. */
export const RESULTS_ENV = 'MAIL_HYBRID_TEST_RESULTS';

/** Folder where suites drop screenshot requests; set only when run with `--screenshots`. */
export const SCREENSHOT_REQUEST_ENV = 'MAIL_HYBRID_SCREENSHOT_REQUEST';

/** Absolute path of the copied fixture workspace the window has open. */
export const WORKSPACE_ENV = 'MAIL_HYBRID_TEST_WORKSPACE';
