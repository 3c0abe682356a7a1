/** TODO(issue 16): the pinball loss lives in src/loss/pinball.ts; kept here for the forecast network under rewrite. */
export { checkQuantiles, pinballLoss } from '../loss/pinball.js';
