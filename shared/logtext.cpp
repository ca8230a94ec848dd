#include "logtext.h"

#include <QList>

using namespace Qt::Literals::StringLiterals;

namespace Herald::LogText {

namespace {

QString hex(char32_t c, int width)
{
    return QString::number(uint(c), 16).rightJustified(width, u'0');
}

void appendEscaped(QString &out, char32_t c)
{
    switch (c) {
    case U'\n':
        out += u"\\n"_s;
        return;
    case U'\r':
        out += u"\\r"_s;
        return;
    case U'\t':
        out += u"\\t"_s;
        return;
    case U'\\':
        out += u"\\\\"_s;
        return;
    default:
        break;
    }
    const bool control = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029;
    if (!control) {
        out += QString::fromUcs4(&c, 1);
        return;
    }
    out += c <= 0xff ? u"\\x"_s + hex(c, 2) : u"\\u"_s + hex(c, 4);
}

} // namespace

QString escaped(QStringView value, qsizetype cap)
{
    QString out;
    out.reserve(std::min(value.size(), cap) + 8);
    qsizetype shown = 0;
    for (char32_t c : value.toUcs4()) {
        if (shown == cap)
            return out + u'…';
        appendEscaped(out, c);
        ++shown;
    }
    return out;
}

QString escaped(QByteArrayView value, qsizetype cap)
{
    // Decode what is valid UTF-8; each byte that is not becomes U+FFFD's stand-in \xHH.
    QString out;
    qsizetype shown = 0;
    qsizetype i = 0;
    while (i < value.size()) {
        if (shown == cap)
            return out + u'…';
        const auto byte = uchar(value[i]);
        const qsizetype length = byte < 0x80 ? 1
            : (byte >> 5) == 0x6             ? 2
            : (byte >> 4) == 0xe             ? 3
            : (byte >> 3) == 0x1e            ? 4
                                             : 0;
        const QString decoded = length > 0 && i + length <= value.size()
            ? QString::fromUtf8(value.sliced(i, length))
            : QString();
        if (decoded.isEmpty() || decoded.contains(QChar::ReplacementCharacter)) {
            out += u"\\x"_s + hex(byte, 2);
            ++i;
        } else {
            out += escaped(QStringView(decoded), 1);
            i += length;
        }
        ++shown;
    }
    return out;
}

} // namespace Herald::LogText
