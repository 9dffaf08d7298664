/** Sentences about reading the spec file itself: YAML syntax and schema errors. */
export const specMessages = {
  'spec.yaml.syntax':
    'The YAML does not parse: {detail}. Nothing else in this file is checked until it does.',
  'spec.yaml.notMapping':
    'A hybrid spec is a mapping of keys (version, domains, mailcow, exchange, checks); this file holds {actual}.',
  'spec.schema.unknownKey':
    'Unknown key "{key}" in {where}; it would be ignored, so whatever it was meant to set keeps its default. Allowed here: {allowed}.',
  'spec.schema.unknownKeySuggest':
    'Unknown key "{key}" in {where}; did you mean "{suggestion}"? As written it is ignored and "{suggestion}" keeps its default.',
  'spec.schema.missingKey':
    '{where} lacks the required key "{key}". {about}',
  'spec.schema.wrongType': '{where} must be {expected}, not {actual}.',
  'spec.schema.notAllowed': '{where} must be one of {allowed}; {actual} is not.',
  'spec.schema.noDomains': '{where} needs at least {limit} entry: list the domains shared by mailcow and Exchange.',
  'spec.schema.tooFew': '{where} needs at least {limit} entry.',
  'spec.schema.tooLong': '{where} is longer than {limit} characters, which Exchange does not accept.',
  'spec.schema.notRead':
    '"{key}" is not read in {where} as configured: it belongs to another method or mode (auth.method, inboundConnector.auth or tlsSettings), so it would be silently ignored. Remove it or switch the mode.',
  'spec.schema.empty': '{where} must not be empty.',
  'spec.schema.format': '{where} is not a valid {format}: {actual}.',
  'spec.schema.pattern': '{where} has an unusable value {actual}. {about}',
  'spec.schema.range': '{where} must be {comparison} {limit}.',
  'spec.schema.unique': '{where} lists the same value twice.',
  'spec.schema.other': '{where}: {detail}.',
  'spec.fix.renameKey': 'Rename to "{suggestion}"',
  'spec.fix.useValue': 'Use "{value}"',
} as const satisfies Record<string, string>;
