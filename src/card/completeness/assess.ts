import type { CardExtras } from '../extras.js';
import type { ModelCard } from '../schema.js';
import { PROFILES, type ProfileId } from './profiles.js';
import { REQUIREMENTS, type RequirementId } from './requirements.js';

export interface CheckedItem {
  id: RequirementId;
  path: string;
  /** `card` for a field of the MCT JSON, `sidecar` for a key of `<card>.mlflow-mct.json`. */
  location: 'card' | 'sidecar';
  section: string;
  weight: number;
  status: 'ok' | 'missing' | 'weak';
  why: string;
  detail?: string;
}

export interface CompletenessReport {
  profile: ProfileId;
  title: string;
  /** 0-100: the weight of the items present (a weak item counts half) over the total weight. */
  score: number;
  items: CheckedItem[];
}

/** Checks a card and its extras against a profile: every item with its status, and a score. */
export function assessCompleteness(card: ModelCard, extras: CardExtras, profileId: ProfileId): CompletenessReport {
  const profile = PROFILES[profileId];
  const items = profile.items.map(({ requirement, section, weight }): CheckedItem => {
    const { path, why, assess } = REQUIREMENTS[requirement];
    const assessment = assess(card, extras);
    const location = path.startsWith('sidecar:') ? 'sidecar' : 'card';
    return {
      id: requirement,
      path: path.replace(/^sidecar:/, ''),
      location,
      section,
      weight,
      status: assessment.status,
      why,
      ...(assessment.status === 'weak' ? { detail: assessment.detail } : {}),
    };
  });
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  const earned = items.reduce((sum, item) => sum + (item.status === 'ok' ? item.weight : item.status === 'weak' ? item.weight / 2 : 0), 0);
  return { profile: profileId, title: profile.title, score: Math.round((100 * earned) / total), items };
}
