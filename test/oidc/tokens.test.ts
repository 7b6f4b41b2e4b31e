import { startGatehouse } from '../helpers/gatehouse.js';
import { tokenSuite } from './token-suite.js';

tokenSuite('embedded store', () =>
  startGatehouse({}, { rateLimits: { loginPerIdentifier: { max: 4, windowSeconds: 300 } } }),
);
