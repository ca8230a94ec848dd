#pragma once

#include "apierror.h"

#include <QByteArray>

namespace Herald::HttpAnswer {

// The reason phrase of an HTTP status ("Not Found"), or "Error" for one we never send.
const char *reasonPhrase(int status);

// A complete HTTP/1.1 answer carrying \a error as JSON, with
// "Connection: close": for refusals written straight to a socket, outside
// QHttpServer. No CORS headers.
QByteArray error(const ApiError &error);

} // namespace Herald::HttpAnswer
