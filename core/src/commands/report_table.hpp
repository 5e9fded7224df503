// Collects the report lines sinks send during audit and verify, and prints
// them as one table per sink.
#pragma once

#include <loadseed/plugin.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace loadseed::cli {

struct ReportRow {
    std::string subject;
    std::string scope;
    int64_t expected;  // < 0: not checked
    int64_t found;
    std::string note;

    bool mismatched() const { return expected >= 0 && expected != found; }
};

class ReportTable {
public:
    // The ls_report_sink that appends to this table; valid while it lives.
    const ls_report_sink& sink();

    const std::vector<ReportRow>& rows() const { return rows_; }
    void clear() { rows_.clear(); }

    // Prints "  subject  scope  expected  found  note" rows under a heading.
    void print(const std::string& heading) const;
    nlohmann::ordered_json to_json() const;

private:
    static void add(void* context, const ls_report_line* line);

    std::vector<ReportRow> rows_;
    ls_report_sink sink_{};
};

}  // namespace loadseed::cli
