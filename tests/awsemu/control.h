/* awsemu/control.h - the emulator's own endpoints, outside AWS's API surface.
 *
 * control.c   /_emu/...: state dump and reset, out-of-band drift (control_drift.c),
 *             faults, clock offset, request log, health.
 * invoke.c    /_emu/execute-api/{api}/{stage}/{path}: API Gateway invoking a method, to
 *             check the tutorial's outcome end to end.
 * metadata.c  EC2 instance metadata (IMDSv2) under /latest/ and container credentials
 *             under /v2/credentials/.
 * None of them is signed; all of them answer JSON (IMDS plain text where EC2 does).
 */
#ifndef XA_AWSEMU_CONTROL_H
#define XA_AWSEMU_CONTROL_H

#include <jansson.h>

#include "emu.h"

void control_request(struct emu_server *s, struct emu_req *r, struct emu_resp *resp);
/* control_drift.c: one out-of-band change ({"op": ...}, body borrowed); locks the world. */
void control_drift(struct emu_server *s, struct emu_req *r, const json_t *in,
                   struct emu_resp *resp);
/* With the world locked; path is what follows /_emu/execute-api/. */
void invoke_execute_api(struct emu_server *s, struct emu_req *r, const char *path,
                        struct emu_resp *resp);
void metadata_imds(struct emu_server *s, struct emu_req *r, struct emu_resp *resp);
void metadata_container(struct emu_server *s, struct emu_req *r, struct emu_resp *resp);

#endif
