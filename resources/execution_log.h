/* resources/execution_log.h - what of API Gateway's execution log (the `log` of a
 * TestInvokeMethod answer) a person needs: the lines that say what failed, or how the
 * method completed, without their timestamps. The xacct_invoke_check data source keeps
 * it as `log`; the xacct_test_invoke action quotes it when the method fails.
 */
#ifndef XA_RESOURCES_EXECUTION_LOG_H
#define XA_RESOURCES_EXECUTION_LOG_H

#include "util/buf.h"
#include "util/status.h"

/* Appends the lines worth reading of log (NULL: none) to out, one per line, about 2 KB
 * at most; the last line when none is. XA_OK or XA_ENOMEM. */
enum xa_status execution_log_summary(const char *log, struct xbuf *out);

#endif
