#pragma once

#include "app/render/role_style_book.h"
#include "geo/model/layer.h"

#include <QDialog>

#include <map>
#include <optional>
#include <string>
#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;

namespace parkatlas::desktop {

/// Field Mapping (字段映射): what a layer is in the park and which of its fields holds each field
/// of the data contract. The role is picked from the contract's roles (or none); for each of
/// the role's contract fields a list offers the layer's fields, with the one the contract's
/// names and aliases find (or the mapping given) chosen at first. The window saves the choice
/// in the park's project file.
class FieldMappingDialog : public QDialog {
    Q_OBJECT
public:
    /// `layer` is only read while the dialog is built (its name and fields are copied).
    FieldMappingDialog(const geo::Layer& layer, const render::RoleBinding& current,
                       QWidget* parent = nullptr);

    /// The role picked (nullopt: none) and the fields chosen for it (contract field → source
    /// field; contract fields left on "(none)" are not listed).
    render::RoleBinding binding() const;

    QComboBox* roleBox() const { return m_role; }
    /// The list of source fields for `contractField` ("parcel_id"), or null when the picked
    /// role has no such field.
    QComboBox* fieldBox(const QString& contractField) const;
    /// The land-use classification of the layer's codes: "detected" (data "") or one of the
    /// four systems (data: the system id).
    QComboBox* classificationBox() const { return m_classification; }

private:
    void showFieldsOfRole();
    /// The "detected" entry's text: the systems the layer's land_use codes show, and why.
    void showDetectedClassification();

    std::string m_layerName;
    geo::AttributeTable m_attributes; // the fields only, no rows
    std::map<std::string, std::string> m_initialMap;
    QComboBox* m_role;
    QComboBox* m_classification;
    /// The layer's distinct land-use values per field index (for detection; read once).
    std::map<int, std::vector<std::string>> m_codesOfField;
    QFormLayout* m_fields;
    QLabel* m_note;
    std::map<QString, QComboBox*> m_fieldBoxes;
};

} // namespace parkatlas::desktop
