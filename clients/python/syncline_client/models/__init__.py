"""Contains all the data models used in inputs/outputs"""

from .activate_service_return import ActivateServiceReturn
from .alert_events_body import AlertEventsBody
from .alert_history_params import AlertHistoryParams
from .alert_history_return import AlertHistoryReturn
from .alerts_body import AlertsBody
from .alerts_body_mode import AlertsBodyMode
from .apply_config_return import ApplyConfigReturn
from .auto_pause_body import AutoPauseBody
from .check_connector_return import CheckConnectorReturn
from .clone_body import CloneBody
from .clone_service_return import CloneServiceReturn
from .company_group_update import CompanyGroupUpdate
from .config_apply_body import ConfigApplyBody
from .config_apply_body_credentials_type_0 import ConfigApplyBodyCredentialsType0
from .config_apply_body_files import ConfigApplyBodyFiles
from .config_files_body import ConfigFilesBody
from .config_files_body_credentials_type_0 import ConfigFilesBodyCredentialsType0
from .config_files_body_files import ConfigFilesBodyFiles
from .connector_create import ConnectorCreate
from .connector_create_credentials_type_0 import ConnectorCreateCredentialsType0
from .connector_create_settings import ConnectorCreateSettings
from .connector_history_return import ConnectorHistoryReturn
from .connector_status_return import ConnectorStatusReturn
from .connector_summary_period_type_0 import ConnectorSummaryPeriodType0
from .connector_summary_return import ConnectorSummaryReturn
from .connector_update import ConnectorUpdate
from .connector_update_credentials_type_0 import ConnectorUpdateCredentialsType0
from .connector_update_settings_type_0 import ConnectorUpdateSettingsType0
from .create_client_return import CreateClientReturn
from .create_connector_return import CreateConnectorReturn
from .create_group_return import CreateGroupReturn
from .create_lookup_return import CreateLookupReturn
from .create_service_return import CreateServiceReturn
from .dashboard_filter_params import DashboardFilterParams
from .dashboard_filter_params_period_type_0 import DashboardFilterParamsPeriodType0
from .dashboard_params import DashboardParams
from .dashboard_params_period_type_0 import DashboardParamsPeriodType0
from .deactivate_service_return import DeactivateServiceReturn
from .diff_config_return import DiffConfigReturn
from .endpoint import Endpoint
from .error_catalog_return import ErrorCatalogReturn
from .error_detail import ErrorDetail
from .error_field import ErrorField
from .error_response import ErrorResponse
from .export_params import ExportParams
from .export_params_order import ExportParamsOrder
from .export_params_period_type_0 import ExportParamsPeriodType0
from .export_params_sort import ExportParamsSort
from .export_report_order import ExportReportOrder
from .export_report_period_type_0 import ExportReportPeriodType0
from .export_report_sort import ExportReportSort
from .export_status import ExportStatus
from .export_status_status import ExportStatusStatus
from .failures_by_error_return import FailuresByErrorReturn
from .failures_params import FailuresParams
from .filter_params import FilterParams
from .filter_params_period_type_0 import FilterParamsPeriodType0
from .get_client_return import GetClientReturn
from .get_company_group_return import GetCompanyGroupReturn
from .get_connector_return import GetConnectorReturn
from .get_dashboard_period_type_0 import GetDashboardPeriodType0
from .get_dashboard_return import GetDashboardReturn
from .get_group_return import GetGroupReturn
from .get_inbound_ingests_ingest_id_response_200 import (
    GetInboundIngestsIngestIdResponse200,
)
from .get_inbound_ingests_ingest_id_response_200_counts import (
    GetInboundIngestsIngestIdResponse200Counts,
)
from .get_inbound_ingests_ingest_id_response_200_records_item import (
    GetInboundIngestsIngestIdResponse200RecordsItem,
)
from .get_lookup_return import GetLookupReturn
from .get_run_return import GetRunReturn
from .get_service_return import GetServiceReturn
from .get_system_return import GetSystemReturn
from .history_params import HistoryParams
from .import_lookup_rows_return import ImportLookupRowsReturn
from .inbound_client_create import InboundClientCreate
from .list_clients_return import ListClientsReturn
from .list_connectors_return import ListConnectorsReturn
from .list_groups_return import ListGroupsReturn
from .list_lookups_return import ListLookupsReturn
from .list_runs_order import ListRunsOrder
from .list_runs_period_type_0 import ListRunsPeriodType0
from .list_runs_return import ListRunsReturn
from .list_runs_sort import ListRunsSort
from .list_services_alerts_type_0 import ListServicesAlertsType0
from .list_services_return import ListServicesReturn
from .list_services_status_type_0 import ListServicesStatusType0
from .list_services_type_type_0 import ListServicesTypeType0
from .list_systems_return import ListSystemsReturn
from .list_transforms_return import ListTransformsReturn
from .lookup_create import LookupCreate
from .lookup_replace import LookupReplace
from .notes_body import NotesBody
from .notification_group_create import NotificationGroupCreate
from .notification_group_update import NotificationGroupUpdate
from .openapi_document_return import OpenapiDocumentReturn
from .post_inbound_tenant_id_path_response_202 import PostInboundTenantIdPathResponse202
from .post_inbound_tenant_id_path_response_202_rejected_item import (
    PostInboundTenantIdPathResponse202RejectedItem,
)
from .post_inbound_tenant_id_path_response_202_rejected_item_fields_item import (
    PostInboundTenantIdPathResponse202RejectedItemFieldsItem,
)
from .post_oauth_token_body import PostOauthTokenBody
from .post_oauth_token_body_grant_type import PostOauthTokenBodyGrantType
from .post_oauth_token_response_200 import PostOauthTokenResponse200
from .post_oauth_token_response_200_token_type import PostOauthTokenResponse200TokenType
from .post_oauth_token_response_400 import PostOauthTokenResponse400
from .post_oauth_token_response_400_error import PostOauthTokenResponse400Error
from .post_oauth_token_response_401 import PostOauthTokenResponse401
from .post_oauth_token_response_401_error import PostOauthTokenResponse401Error
from .preview_body import PreviewBody
from .preview_body_filters_type_0_item import PreviewBodyFiltersType0Item
from .preview_body_mappings_type_0_item import PreviewBodyMappingsType0Item
from .preview_body_record import PreviewBodyRecord
from .preview_service_return import PreviewServiceReturn
from .replace_lookup_return import ReplaceLookupReturn
from .report_entry import ReportEntry
from .report_entry_latest_type_0 import ReportEntryLatestType0
from .report_page_response import ReportPageResponse
from .report_page_response_window import ReportPageResponseWindow
from .report_params import ReportParams
from .report_params_fields import ReportParamsFields
from .report_params_order import ReportParamsOrder
from .report_params_period_type_0 import ReportParamsPeriodType0
from .report_params_sort import ReportParamsSort
from .resync_body import ResyncBody
from .resync_response import ResyncResponse
from .resync_response_refused_counts import ResyncResponseRefusedCounts
from .resync_response_refused_item import ResyncResponseRefusedItem
from .revoke_client_return import RevokeClientReturn
from .rotate_client_return import RotateClientReturn
from .run_now_body import RunNowBody
from .run_service_return import RunServiceReturn
from .run_status import RunStatus
from .runs_params import RunsParams
from .runs_params_order import RunsParamsOrder
from .runs_params_period_type_0 import RunsParamsPeriodType0
from .runs_params_sort import RunsParamsSort
from .search_report_fields import SearchReportFields
from .search_report_order import SearchReportOrder
from .search_report_period_type_0 import SearchReportPeriodType0
from .search_report_sort import SearchReportSort
from .service_create import ServiceCreate
from .service_create_filters_item import ServiceCreateFiltersItem
from .service_create_mappings_item import ServiceCreateMappingsItem
from .service_create_type import ServiceCreateType
from .service_list_params import ServiceListParams
from .service_list_params_alerts_type_0 import ServiceListParamsAlertsType0
from .service_list_params_status_type_0 import ServiceListParamsStatusType0
from .service_list_params_type_type_0 import ServiceListParamsTypeType0
from .service_settings import ServiceSettings
from .service_settings_patch import ServiceSettingsPatch
from .service_update import ServiceUpdate
from .service_update_filters_type_0_item import ServiceUpdateFiltersType0Item
from .service_update_mappings_type_0_item import ServiceUpdateMappingsType0Item
from .service_update_type_type_0 import ServiceUpdateTypeType0
from .set_notes_return import SetNotesReturn
from .status import Status
from .sweeper_body import SweeperBody
from .trigger import Trigger
from .update_company_group_return import UpdateCompanyGroupReturn
from .update_connector_return import UpdateConnectorReturn
from .update_group_return import UpdateGroupReturn
from .update_service_return import UpdateServiceReturn

__all__ = (
    "ActivateServiceReturn",
    "AlertEventsBody",
    "AlertHistoryParams",
    "AlertHistoryReturn",
    "AlertsBody",
    "AlertsBodyMode",
    "ApplyConfigReturn",
    "AutoPauseBody",
    "CheckConnectorReturn",
    "CloneBody",
    "CloneServiceReturn",
    "CompanyGroupUpdate",
    "ConfigApplyBody",
    "ConfigApplyBodyCredentialsType0",
    "ConfigApplyBodyFiles",
    "ConfigFilesBody",
    "ConfigFilesBodyCredentialsType0",
    "ConfigFilesBodyFiles",
    "ConnectorCreate",
    "ConnectorCreateCredentialsType0",
    "ConnectorCreateSettings",
    "ConnectorHistoryReturn",
    "ConnectorStatusReturn",
    "ConnectorSummaryPeriodType0",
    "ConnectorSummaryReturn",
    "ConnectorUpdate",
    "ConnectorUpdateCredentialsType0",
    "ConnectorUpdateSettingsType0",
    "CreateClientReturn",
    "CreateConnectorReturn",
    "CreateGroupReturn",
    "CreateLookupReturn",
    "CreateServiceReturn",
    "DashboardFilterParams",
    "DashboardFilterParamsPeriodType0",
    "DashboardParams",
    "DashboardParamsPeriodType0",
    "DeactivateServiceReturn",
    "DiffConfigReturn",
    "Endpoint",
    "ErrorCatalogReturn",
    "ErrorDetail",
    "ErrorField",
    "ErrorResponse",
    "ExportParams",
    "ExportParamsOrder",
    "ExportParamsPeriodType0",
    "ExportParamsSort",
    "ExportReportOrder",
    "ExportReportPeriodType0",
    "ExportReportSort",
    "ExportStatus",
    "ExportStatusStatus",
    "FailuresByErrorReturn",
    "FailuresParams",
    "FilterParams",
    "FilterParamsPeriodType0",
    "GetClientReturn",
    "GetCompanyGroupReturn",
    "GetConnectorReturn",
    "GetDashboardPeriodType0",
    "GetDashboardReturn",
    "GetGroupReturn",
    "GetInboundIngestsIngestIdResponse200",
    "GetInboundIngestsIngestIdResponse200Counts",
    "GetInboundIngestsIngestIdResponse200RecordsItem",
    "GetLookupReturn",
    "GetRunReturn",
    "GetServiceReturn",
    "GetSystemReturn",
    "HistoryParams",
    "ImportLookupRowsReturn",
    "InboundClientCreate",
    "ListClientsReturn",
    "ListConnectorsReturn",
    "ListGroupsReturn",
    "ListLookupsReturn",
    "ListRunsOrder",
    "ListRunsPeriodType0",
    "ListRunsReturn",
    "ListRunsSort",
    "ListServicesAlertsType0",
    "ListServicesReturn",
    "ListServicesStatusType0",
    "ListServicesTypeType0",
    "ListSystemsReturn",
    "ListTransformsReturn",
    "LookupCreate",
    "LookupReplace",
    "NotesBody",
    "NotificationGroupCreate",
    "NotificationGroupUpdate",
    "OpenapiDocumentReturn",
    "PostInboundTenantIdPathResponse202",
    "PostInboundTenantIdPathResponse202RejectedItem",
    "PostInboundTenantIdPathResponse202RejectedItemFieldsItem",
    "PostOauthTokenBody",
    "PostOauthTokenBodyGrantType",
    "PostOauthTokenResponse200",
    "PostOauthTokenResponse200TokenType",
    "PostOauthTokenResponse400",
    "PostOauthTokenResponse400Error",
    "PostOauthTokenResponse401",
    "PostOauthTokenResponse401Error",
    "PreviewBody",
    "PreviewBodyFiltersType0Item",
    "PreviewBodyMappingsType0Item",
    "PreviewBodyRecord",
    "PreviewServiceReturn",
    "ReplaceLookupReturn",
    "ReportEntry",
    "ReportEntryLatestType0",
    "ReportPageResponse",
    "ReportPageResponseWindow",
    "ReportParams",
    "ReportParamsFields",
    "ReportParamsOrder",
    "ReportParamsPeriodType0",
    "ReportParamsSort",
    "ResyncBody",
    "ResyncResponse",
    "ResyncResponseRefusedCounts",
    "ResyncResponseRefusedItem",
    "RevokeClientReturn",
    "RotateClientReturn",
    "RunNowBody",
    "RunServiceReturn",
    "RunsParams",
    "RunsParamsOrder",
    "RunsParamsPeriodType0",
    "RunsParamsSort",
    "RunStatus",
    "SearchReportFields",
    "SearchReportOrder",
    "SearchReportPeriodType0",
    "SearchReportSort",
    "ServiceCreate",
    "ServiceCreateFiltersItem",
    "ServiceCreateMappingsItem",
    "ServiceCreateType",
    "ServiceListParams",
    "ServiceListParamsAlertsType0",
    "ServiceListParamsStatusType0",
    "ServiceListParamsTypeType0",
    "ServiceSettings",
    "ServiceSettingsPatch",
    "ServiceUpdate",
    "ServiceUpdateFiltersType0Item",
    "ServiceUpdateMappingsType0Item",
    "ServiceUpdateTypeType0",
    "SetNotesReturn",
    "Status",
    "SweeperBody",
    "Trigger",
    "UpdateCompanyGroupReturn",
    "UpdateConnectorReturn",
    "UpdateGroupReturn",
    "UpdateServiceReturn",
)
