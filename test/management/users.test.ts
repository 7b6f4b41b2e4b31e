import { startGatehouse } from '../helpers/gatehouse.js';
import { userSuite } from './users-suite.js';

userSuite('embedded store', () => startGatehouse());
