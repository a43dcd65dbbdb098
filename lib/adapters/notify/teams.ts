/**
 * Microsoft Teams. Flagger posts a legacy `MessageCard`, which only Office 365 connectors accept;
 * Microsoft retired those in favour of Workflows webhooks, which accept only Adaptive Cards
 * (fluxcd/flagger#1753 asks Flagger for the same change Flux made). We therefore post an Adaptive Card
 * 1.4 inside the `message` envelope both Workflows and the remaining incoming webhooks accept.
 */
import type { DomainEvent, Severity } from '../../domain/events.js';
import type { AlertProvider, Notifier } from '../../ports/notifier.js';
import { postJson, type HttpNotifierOptions } from './http.js';
import { describe } from './text.js';

/** Adaptive Card text colours: green, amber, red. */
type TeamsColor = 'Good' | 'Warning' | 'Attention';

/** Title colour per severity. */
const teamsColors: Readonly<Record<Severity, TeamsColor>> = {
  info: 'Good',
  warn: 'Warning',
  error: 'Attention',
};

/** The Adaptive Card elements we use. */
type TeamsElement =
  | {
      type: 'TextBlock';
      text: string;
      wrap: true;
      weight?: 'Bolder';
      size?: 'Medium';
      color?: TeamsColor;
      isSubtle?: true;
    }
  | { type: 'FactSet'; facts: { title: string; value: string }[] };

/** The JSON body posted to a Teams webhook. */
interface TeamsPayload {
  type: 'message';
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive';
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
        type: 'AdaptiveCard';
        version: '1.4';
        msteams: { width: 'Full' };
        body: TeamsElement[];
      };
    },
  ];
}

/** Formats one event for Teams. Pure. */
function formatTeams(event: DomainEvent): TeamsPayload {
  const d = describe(event);
  const body: TeamsElement[] = [
    {
      type: 'TextBlock',
      text: d.title,
      wrap: true,
      weight: 'Bolder',
      size: 'Medium',
      color: teamsColors[d.severity],
    },
    { type: 'TextBlock', text: d.text, wrap: true },
    { type: 'FactSet', facts: d.facts.map((f) => ({ title: f.title, value: f.value })) },
  ];
  if (d.explanations.length > 0) {
    body.push({ type: 'TextBlock', text: 'Failing checks', wrap: true, weight: 'Bolder' });
    for (const e of d.explanations) body.push({ type: 'TextBlock', text: e, wrap: true, isSubtle: true });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
        },
      },
    ],
  };
}

/** A notifier posting {@link formatTeams} payloads to `provider.address`. */
export function makeTeamsNotifier(provider: AlertProvider, options: HttpNotifierOptions = {}): Notifier {
  return { post: (message, signal) => postJson(provider, formatTeams(message.event), signal, options) };
}
