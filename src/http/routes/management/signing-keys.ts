import type { ManagementPlugin } from './index.js';

// Placeholder: filled in by the work on this part of the management API.
export const signingKeyRoutes: ManagementPlugin = async () => {};
