import type { SignIn } from '../signin/sign-in.js';

export type { SignInRequest, SignInSuccess } from '../signin/sign-in.js';
export type { Submission, SubmissionBinding, SubmittedPresentation } from '../verification/submission.js';

/**
 * What the OpenID4VP response endpoint needs of the sign-in use case
 * (src/signin/sign-in.ts): verify the vp_token as one submission, audit,
 * issue the session. A port, so the service can be tested with a double.
 */
export type SignInPort = Pick<SignIn, 'signIn'>;
