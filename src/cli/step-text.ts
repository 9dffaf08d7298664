import { msg } from '../core/messages/catalogue';
import type { SetupStep } from '../core/plan/step';

/** A step as the terminal shows it: title, what it changes, and each request with its body. */
export function stepText(step: SetupStep, number: number): string {
  const preview = step.preview();
  const lines = [msg('cli.plan.step', { number, title: step.title }), `   ${preview.summary}`];
  for (const request of preview.requests) {
    lines.push(`   ${request.action} ${JSON.stringify(request.body)}`);
  }
  return lines.join('\n');
}

/** A step as `plan --format json` lists it. */
export function stepJson(step: SetupStep): Record<string, unknown> {
  const preview = step.preview();
  return {
    id: step.id,
    system: step.system,
    domain: step.domain,
    title: step.title,
    summary: preview.summary,
    requests: preview.requests,
  };
}
