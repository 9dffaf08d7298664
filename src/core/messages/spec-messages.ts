export const specMessages = {
  'spec.yaml.syntax': 'The YAML does not parse: {detail}. Nothing in this file is checked until it does.',
} as const satisfies Record<string, string>;
