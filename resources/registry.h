/* resources/registry.h - the xacct provider type: its provider block, configure function
 * and the list of resource types. main.c hands it to provider_new(). */
#ifndef XA_RESOURCES_REGISTRY_H
#define XA_RESOURCES_REGISTRY_H

#include "core/provider.h"

extern const struct provider_type xacct_provider_type;

#endif
