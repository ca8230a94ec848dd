#pragma once

#include <QByteArray>
#include <QJsonValue>

#include <optional>

namespace Herald::JsonText {

//! Compact JSON text of any value, scalars included ("null", "3", "\"x\"", "{...}").
QByteArray serialize(const QJsonValue &value);

//! The value \a text holds, or nullopt when it is not one complete JSON value.
std::optional<QJsonValue> parse(const QByteArray &text);

} // namespace Herald::JsonText
