/** What the product says about files it writes and about plans it cannot complete. */
export const cliOutputMessages = {
  'cli.output.writeFailed': 'Could not write {file}: {reason}. Nothing was written there.',
  'cli.steps.nothingInReadable':
    'No step is needed in the systems that could be read; {systems} could not be read, so whether their steps are needed is not known.',
  'cli.apply.nothingNeeded': 'Nothing to do: the live systems match {file}; no step is needed.',
  'cli.steps.specInvalid':
    'The spec {file} has errors in its YAML or schema (listed above); no live system is read or changed until they are fixed.',
  'sandbox.spec.wouldOverwrite':
    'The sandbox spec would be written over {file}, the spec or scenario it is made from; nothing was started. Name another file with --write-spec, or rename the spec.',
} as const satisfies Record<string, string>;
