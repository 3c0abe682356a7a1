/** The playground's views, in tab order. */
import { classifyView } from './classify.ts';
import { forecastView } from './forecast.ts';
import { insideView } from './inside.ts';
import { languageModelView } from './language-model.ts';
import { longLagView } from './long-lag.ts';
import { speechView } from './speech.ts';
import { translateView } from './translate.ts';

export interface View {
  /** The URL hash and the id prefix of the view's elements. */
  id: string;
  title: string;
  /** Build the view inside `section` (called once, the first time it is shown). */
  mount(section: HTMLElement): void;
}

export const VIEWS: readonly View[] = [
  languageModelView,
  insideView,
  longLagView,
  forecastView,
  classifyView,
  translateView,
  speechView,
];
