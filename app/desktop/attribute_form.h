#pragma once

#include "geo/model/layer.h"
#include "geo/model/role.h"
#include "geo/store/edit_session.h"

#include <QDialog>

#include <optional>
#include <vector>

class QComboBox;
class QLineEdit;

namespace parkatlas::desktop {

/// The attribute form of one feature: a row per field of the layer, the role's contract fields
/// first and named in Chinese; a field with known values (a stage, a kind, a land-use code)
/// offers them in a list that still takes other text. An empty entry is unknown (null).
class AttributeForm : public QDialog {
    Q_OBJECT
public:
    AttributeForm(const geo::AttributeTable& table, std::optional<geo::Role> role,
                  const geo::FieldValues& values, QWidget* parent = nullptr);

    /// The values as entered (field name → text; nullopt for an empty entry).
    geo::FieldValues values() const;
    /// Sets the entry of `field` (for scripts and tests); false when there is no such field.
    bool setValue(const QString& field, const QString& value);

private:
    struct Row {
        std::string field;
        QLineEdit* line = nullptr;
        QComboBox* combo = nullptr;
    };
    std::vector<Row> m_rows;
};

} // namespace parkatlas::desktop
