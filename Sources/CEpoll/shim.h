// epoll(7) for Swift: Glibc's module map leaves <sys/epoll.h> out. `struct epoll_event` is packed
// on x86-64 (12 bytes); Swift imports it with that layout. Used by Sources/HTTPServer/ReadinessPoller.swift.
#include <sys/epoll.h>
