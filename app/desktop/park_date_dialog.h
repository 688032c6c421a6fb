#pragma once

#include <QDate>
#include <QString>
#include <QStringList>

#include <optional>

class QWidget;

namespace parkatlas::desktop {

/// The date the map shows the park as of (View > As of…): the date of the first source named
/// PARK@YYYY-MM-DD, an invalid QDate when the park is shown as it is now.
QDate parkDateOf(const QStringList& sources);

/// The sources with the date `date` (PARK@YYYY-MM-DD, read from the park's history by
/// geo::discoverPark and geo::readLayer), or without any date when `date` is invalid.
QStringList withParkDate(const QStringList& sources, const QDate& date);

/// Asks for the date to show the park as of: a calendar, and "As it is now". nullopt when
/// cancelled; an invalid QDate for now.
std::optional<QDate> askParkDate(QWidget* parent, const QDate& current);

} // namespace parkatlas::desktop
