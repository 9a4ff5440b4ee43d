// The edge worker with one more backbone kind registered before it serves: what a deployment
// adding a routine does in its own entry.
import { registerCharCounts } from '../helpers/char-counts-backbone';
import worker from '../../functions/index';

registerCharCounts();

export default worker;
