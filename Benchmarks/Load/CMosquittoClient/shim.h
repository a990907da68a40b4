// libmosquitto's client API (Debian's libmosquitto-dev) for the load generator, and epoll, which
// Glibc's Swift module leaves out (the generator drives thousands of clients from one epoll set).
// The main package's CMosquitto target is not a product, and a package graph holds one target per name.
#include <mosquitto.h>
#include <sys/epoll.h>
