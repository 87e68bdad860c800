from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "指导与督查"

    def ready(self):
        from villages.annotations import register_key_village_annotations
        from villages.rating import register_problem_source
        from villages.sections import register_village_section

        from .key_villages import key_village_visit_columns
        from .sections import village_problem_counts, village_visits_section

        # ZZ 四(一) 第7类: problems found on earlier visits count towards the village's rating.
        register_problem_source(village_problem_counts)
        register_village_section("inspections/_village_visits.html", village_visits_section, order=10, title="指导记录")
        # The key-village list's 最近指导 and 本周期已指导 columns and their filters.
        register_key_village_annotations("visits", key_village_visit_columns)

        from rosters.sections import register_team_section

        from .trip_sections import team_trips_section, village_finding_counts, village_trips_section

        # Findings of inspection trips (HY 四) count towards category 7 as well.
        register_problem_source(village_finding_counts)
        register_village_section("inspections/_village_trips.html", village_trips_section, order=20, title="督查记录")
        register_team_section("inspections/_team_trips.html", team_trips_section, order=10)
