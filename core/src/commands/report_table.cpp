#include "report_table.hpp"

#include "common.hpp"

#include <cstdio>

namespace loadseed::cli {

const ls_report_sink& ReportTable::sink() {
    sink_.struct_size = sizeof(sink_);
    sink_.context = this;
    sink_.line = &ReportTable::add;
    return sink_;
}

void ReportTable::add(void* context, const ls_report_line* line) {
    auto* table = static_cast<ReportTable*>(context);
    table->rows_.push_back({line->subject ? line->subject : "", line->scope ? line->scope : "", line->expected,
                            line->found, line->note ? line->note : ""});
}

void ReportTable::print(const std::string& heading) const {
    std::printf("%s\n", heading.c_str());
    if (rows_.empty()) {
        std::printf("  (nothing reported)\n");
        return;
    }
    std::printf("  %-32s %-26s %12s %12s  %s\n", "what", "where", "expected", "found", "note");
    for (const ReportRow& row : rows_) {
        std::string expected = row.expected < 0 ? "-" : grouped(static_cast<uint64_t>(row.expected));
        std::string note = row.note;
        if (row.mismatched()) note = "MISMATCH" + (note.empty() ? "" : ": " + note);
        std::printf("  %-32s %-26s %12s %12s  %s\n", row.subject.c_str(), row.scope.c_str(), expected.c_str(),
                    grouped(static_cast<uint64_t>(row.found < 0 ? 0 : row.found)).c_str(), note.c_str());
    }
}

nlohmann::ordered_json ReportTable::to_json() const {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const ReportRow& row : rows_) {
        nlohmann::ordered_json entry = {{"what", row.subject}, {"where", row.scope}, {"found", row.found}};
        if (row.expected >= 0) entry["expected"] = row.expected;
        if (!row.note.empty()) entry["note"] = row.note;
        entry["ok"] = !row.mismatched();
        rows.push_back(entry);
    }
    return rows;
}

}  // namespace loadseed::cli
