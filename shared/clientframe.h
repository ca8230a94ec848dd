#pragma once

#include <QString>

#include <variant>

namespace Herald {

/*!
    A JSON text frame a browser sends on its session: {"type":"ping"} or
    {"type":"read","up_to":<seq>}.
*/
struct ClientFrame
{
    enum class Type { Ping, Read };

    //! Why a frame was refused: the "code" and "message" of the error frame that answers it.
    struct Error
    {
        QString code;
        QString message;
    };
    using Result = std::variant<ClientFrame, Error>;

    Type type = Type::Ping;
    qint64 upTo = 0; //!< Read: a whole number from 0 to 9e15

    /*!
        Parses one text frame. Fails with invalid_json when \a text is not a JSON
        object, with invalid_field when a read's "up_to" is not a whole number
        from 0 to 9e15, and with unknown_type when "type" is missing or not
        "read" or "ping". Members other than these are ignored.
    */
    static Result parse(const QString &text);
    //! The frame as a browser sends it (what herald.js writes).
    QString toText() const;

    static ClientFrame ping() { return {Type::Ping, 0}; }
    static ClientFrame read(qint64 upTo) { return {Type::Read, upTo}; }

    bool operator==(const ClientFrame &other) const = default;
};

} // namespace Herald
