/** Every id the manifest and the code share, in one place so they cannot drift apart. */
export const EXTENSION_ID = 'mail-hybrid.mail-hybrid';
export const DIAGNOSTIC_SOURCE = 'mail-hybrid';
export const CONFIG_SECTION = 'mailHybrid';

export const Commands = {
  createSpec: 'mailHybrid.spec.create',
  openSpec: 'mailHybrid.spec.open',
  revealNode: 'mailHybrid.tree.reveal',
  refreshTree: 'mailHybrid.tree.refresh',
  storeInlineSecret: 'mailHybrid.secret.storeInline',
  storeMailcowKey: 'mailHybrid.secret.storeMailcowKey',
  forgetSecret: 'mailHybrid.secret.forget',
  explainCode: 'mailHybrid.finding.explain',
  showLog: 'mailHybrid.log.show',
  runStep: 'mailHybrid.step.run',
  explainBounce: 'mailHybrid.bounce.explain',
  exchangeSignIn: 'mailHybrid.exchange.signIn',
  exchangeSignOut: 'mailHybrid.exchange.signOut',
  exchangeExportPowerShell: 'mailHybrid.exchange.exportPowerShell',
  liveRefresh: 'mailHybrid.live.refresh',
  mailcowApplyAll: 'mailHybrid.mailcow.applyAll',
  exchangeApplyAll: 'mailHybrid.exchange.applyAll',
  sandboxStart: 'mailHybrid.sandbox.start',
  sandboxStop: 'mailHybrid.sandbox.stop',
  validateRun: 'mailHybrid.validate.run',
} as const;

export const Views = {
  container: 'mailHybrid',
  setup: 'mailHybrid.setup',
} as const;

export const ContextKeys = {
  hasSpec: 'mailHybrid.hasSpec',
  sandboxRunning: 'mailHybrid.sandboxRunning',
} as const;

export const Settings = {
  specGlobs: 'specGlobs',
  debounceMs: 'validation.debounceMs',
  logLevel: 'log.level',
  liveTimeoutMs: 'live.timeoutMs',
} as const;

export const SECRET_PREFIX = 'mailHybrid.secret.';
