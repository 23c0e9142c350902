/* util/testable.h - XA_TESTABLE: a static helper a unit test reaches (curl's UNITTEST).
 *
 * In the release build (what users install) XA_TESTABLE is `static`; the test build of
 * a module (its *_testable library, compiled with XA_TESTING) drops the `static` so that
 * tests/unit can call the helper. Prototypes of testable helpers sit in the module's
 * private header behind `#ifdef XA_TESTING`.
 */
#ifndef XA_UTIL_TESTABLE_H
#define XA_UTIL_TESTABLE_H

#ifdef XA_TESTING
#define XA_TESTABLE
#else
#define XA_TESTABLE static
#endif

#endif
