// libmosquitto's client API (Debian's libmosquitto-dev).
#include <mosquitto.h>
