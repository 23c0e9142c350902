/* awsemu/auth.h - checks a request's AWS Signature Version 4 as AWS does.
 *
 * The Authorization header names the key, the scope (date/region/service) and the signed
 * headers; the signature is recomputed with the project's signer (aws/sigv4.h) from the
 * key's secret in the world, so the emulator is exactly as strict as the signer is
 * correct. Refusals use each service's own codes: API Gateway and Lambda
 * InvalidSignatureException / UnrecognizedClientException / ExpiredTokenException /
 * IncompleteSignatureException / MissingAuthenticationTokenException; STS
 * SignatureDoesNotMatch / InvalidClientTokenId / ExpiredToken / IncompleteSignature /
 * MissingAuthenticationToken. A clock skew beyond five minutes is "Signature expired".
 */
#ifndef XA_AWSEMU_AUTH_H
#define XA_AWSEMU_AUTH_H

#include <stdbool.h>

#include "emu.h"

/* The service named by the credential scope of an Authorization header, into out;
 * false when the header has no readable scope. */
bool auth_scope_service(const char *authorization, char *out, size_t n);

/* Verifies r against the world (takes the world lock itself). On success fills
 * r->account, caller_arn, caller_user_id, access_key and region and returns true; else
 * fills resp with the refusal and returns false. */
bool auth_verify(struct emu_server *s, struct emu_req *r, struct emu_resp *resp);

#endif
