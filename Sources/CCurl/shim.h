// Typed wrappers over libcurl's variadic entry points, which Swift cannot call directly.
// Each wrapper fixes the type of the one variadic argument (curl_easy_setopt(3), curl_easy_getinfo(3)).
#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/// curl_easy_setopt with a `long` argument (flags, timeouts in ms, sizes).
static inline CURLcode curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt with a `curl_off_t` argument (the *_LARGE options).
static inline CURLcode curl_set_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt with a C string; libcurl copies strings it is given (except POSTFIELDS).
static inline CURLcode curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt with a data pointer (POSTFIELDS, WRITEDATA, HEADERDATA, ERRORBUFFER).
static inline CURLcode curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt with a header list (HTTPHEADER); the list must outlive the transfer.
static inline CURLcode curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/// The shape of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION callbacks.
typedef size_t (*curl_data_callback)(char *data, size_t size, size_t count, void *context);

/// curl_easy_setopt with a write or header callback.
static inline CURLcode curl_set_callback(CURL *handle, CURLoption option, curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/// curl_easy_getinfo for a `long` result (status code, connection counts, ports).
static inline CURLcode curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// curl_easy_getinfo for a `curl_off_t` result (the *_T timing and size infos).
static inline CURLcode curl_get_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
