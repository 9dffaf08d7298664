import type { FindingCode } from './codes';

export type Severity = 'error' | 'warning' | 'info';
export type FindingSource = 'yaml' | 'schema' | 'rules' | 'mailcow' | 'exchange' | 'dns' | 'tls';

/** A text change in the spec file, in source offsets. */
export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

/**
 * What a finding's fix will do, decided when the finding is made so that code-action providers
 * only read it. `edit` needs no network; `storeSecret` moves an inline value into secret storage
 * and edits the reference in; `step` runs one setup step against a live system.
 */
export type FindingFix =
  | { kind: 'edit'; titleId: string; title: string; edits: TextEdit[] }
  | {
      kind: 'storeSecret';
      title: string;
      secretName: string;
      /** The spec path of the value, so the host can read the secret from the document itself. */
      path: (string | number)[];
      edits: TextEdit[];
      /** The origin (scheme://host:port) the secret is meant for; secrets are bound to it. */
      origin?: string;
    }
  | { kind: 'step'; title: string; stepId: string; domain?: string };

/**
 * One problem found in a spec or a live system, located in the spec's source text. Offsets, not
 * positions: conversion to lines happens once, at the edge (editor diagnostics, CLI output).
 */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  source: FindingSource;
  message: string;
  offset: number;
  length: number;
  /** Path of the spec node the finding is about (when it is about one). */
  path?: (string | number)[];
  fixes?: FindingFix[];
}
