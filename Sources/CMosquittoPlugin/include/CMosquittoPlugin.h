// The mosquitto plugin's C side: the plugin API v5 entry points live in plugin.c; the decisions
// are Swift functions exported with @_cdecl from MosquittoAuthPlugin.
#pragma once
#include <stdint.h>
