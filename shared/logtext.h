#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace Herald::LogText {

//! The longest value a log line carries, in characters, before it is cut with "…".
inline constexpr qsizetype DefaultCap = 200;

//! \a value made safe for one log line: control characters (newlines, escapes,
//! DEL, C1) become \n, \r, \t or \xHH, and the text is cut after \a cap characters
//! with a trailing "…". Never fails.
QString escaped(QStringView value, qsizetype cap = DefaultCap);

//! The same for raw bytes (request paths, header values): invalid UTF-8 is
//! shown as \xHH per byte.
QString escaped(QByteArrayView value, qsizetype cap = DefaultCap);

} // namespace Herald::LogText
