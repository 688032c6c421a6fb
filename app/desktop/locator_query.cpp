#include "app/desktop/locator_query.h"

#include <QRegularExpression>

#include <cmath>
#include <utility>

namespace parkatlas::desktop {

namespace {

/// One coordinate: an optional hemisphere before (N, E, 北纬, 东经 …), a number or degrees with
/// minutes and seconds, an optional hemisphere after.
const QString kCoordinate = QStringLiteral("(东经|西经|北纬|南纬|[NSEW])?\\s*"
                                           "([-+]?\\d+(?:\\.\\d+)?)"
                                           "(?:\\s*(°|度)\\s*(?:(\\d+(?:\\.\\d+)?)\\s*(?:'|′|分)"
                                           "\\s*)?(?:(\\d+(?:\\.\\d+)?)\\s*(?:\"|″|'')\\s*)?)?"
                                           "\\s*(东经|西经|北纬|南纬|[NSEW])?");

struct Coordinate {
    double value = 0;
    bool degreeMark = false;
    QChar hemisphere; // N, S, E, W or null
};

QChar hemisphereOf(const QString& word)
{
    if (word.isEmpty())
        return {};
    if (word == QStringLiteral("东经"))
        return QLatin1Char('E');
    if (word == QStringLiteral("西经"))
        return QLatin1Char('W');
    if (word == QStringLiteral("北纬"))
        return QLatin1Char('N');
    if (word == QStringLiteral("南纬"))
        return QLatin1Char('S');
    return word.front();
}

std::optional<Coordinate> coordinateOf(const QRegularExpressionMatch& match, int first)
{
    Coordinate coordinate;
    const QString before = match.captured(first);
    const QString after = match.captured(first + 5);
    if (!before.isEmpty() && !after.isEmpty())
        return std::nullopt;
    coordinate.hemisphere = hemisphereOf(before.isEmpty() ? after : before);
    coordinate.value = match.captured(first + 1).toDouble();
    coordinate.degreeMark = !match.captured(first + 2).isEmpty();
    const double minutes = match.captured(first + 3).toDouble();
    const double seconds = match.captured(first + 4).toDouble();
    if (minutes >= 60 || seconds >= 60)
        return std::nullopt;
    const double sign = coordinate.value < 0 || match.captured(first + 1).startsWith('-') ? -1 : 1;
    coordinate.value += sign * (minutes / 60 + seconds / 3600);
    if (coordinate.hemisphere == QLatin1Char('S') || coordinate.hemisphere == QLatin1Char('W'))
        coordinate.value = -std::abs(coordinate.value);
    return coordinate;
}

bool isLatitude(QChar hemisphere)
{
    return hemisphere == QLatin1Char('N') || hemisphere == QLatin1Char('S');
}

} // namespace

std::optional<LocatorCoordinates> parseLocatorCoordinates(const QString& text, bool mapHasCrs)
{
    // Full-width digits, commas and letters as their ASCII selves (NFKC).
    const QString query = text.normalized(QString::NormalizationForm_KC).trimmed().toUpper();
    static const QRegularExpression pair(
        QStringLiteral("^\\s*%1\\s*(?:[,;，；/]|\\s)\\s*%1\\s*$").arg(kCoordinate));
    const QRegularExpressionMatch match = pair.match(query);
    if (!match.hasMatch())
        return std::nullopt;
    auto first = coordinateOf(match, 1);
    auto second = coordinateOf(match, 7);
    if (!first || !second)
        return std::nullopt;
    const bool marked = !first->hemisphere.isNull() || !second->hemisphere.isNull() ||
                        first->degreeMark || second->degreeMark;
    LocatorCoordinates result{first->value, second->value, false};
    if (!first->hemisphere.isNull() || !second->hemisphere.isNull()) {
        // The hemispheres say which is which.
        if (isLatitude(first->hemisphere) && isLatitude(second->hemisphere))
            return std::nullopt;
        const bool bothLongitude = !first->hemisphere.isNull() && !second->hemisphere.isNull() &&
                                   !isLatitude(first->hemisphere) &&
                                   !isLatitude(second->hemisphere);
        if (bothLongitude)
            return std::nullopt;
        if (isLatitude(first->hemisphere) ||
            (!second->hemisphere.isNull() && !isLatitude(second->hemisphere)))
            std::swap(result.x, result.y);
        result.degrees = true;
    } else {
        const double a = std::abs(first->value);
        const double b = std::abs(second->value);
        const bool lonLat = a <= 180 && b <= 90;
        const bool latLon = !lonLat && a <= 90 && b <= 180;
        if ((marked || mapHasCrs) && (lonLat || latLon)) {
            if (latLon)
                std::swap(result.x, result.y);
            result.degrees = true;
        } else if (marked) {
            return std::nullopt; // degrees that are no longitude and latitude
        }
    }
    if (result.degrees && (std::abs(result.x) > 180 || std::abs(result.y) > 90))
        return std::nullopt;
    return result;
}

} // namespace parkatlas::desktop
