// Placeholder: the plugin API v5 entry points land here (mosquitto_plugin_version/init/cleanup).
#include "CMosquittoPlugin.h"
