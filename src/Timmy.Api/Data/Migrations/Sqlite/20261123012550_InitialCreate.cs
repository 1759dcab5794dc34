using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Timmy.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "conversations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Title = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conversations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Request = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LeaseExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    Result = table.Column<string>(type: "TEXT", nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", nullable: true),
                    EvalModel = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    EvalInputTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    EvalOutputTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    WorkModel = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    WorkInputTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    WorkOutputTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    EstimatedInputTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    EstimatedOutputTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    EstimatedCostUsd = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: true),
                    InputUsdPerMillion = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: true),
                    OutputUsdPerMillion = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: true),
                    InfraCostUsd = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: true),
                    MarginPct = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: true),
                    BtcPriceUsd = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: true),
                    ActualCostUsd = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: true),
                    ActualChargeUsd = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: true),
                    ActualAmountSats = table.Column<long>(type: "INTEGER", nullable: true),
                    RefundAmountSats = table.Column<long>(type: "INTEGER", nullable: false),
                    RefundState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    RefundPaymentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RefundedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "server_secrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Value = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_server_secrets", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    BalanceSats = table.Column<long>(type: "INTEGER", nullable: false),
                    ReservedSats = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastActivityAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PendingTopupInvoiceId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sessions", x => x.Id);
                    table.CheckConstraint("ck_sessions_balance_not_negative", "\"BalanceSats\" >= 0 AND \"ReservedSats\" >= 0");
                });

            migrationBuilder.CreateTable(
                name: "stub_invoices",
                columns: table => new
                {
                    PaymentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Preimage = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PaymentRequest = table.Column<string>(type: "TEXT", nullable: false),
                    AmountSats = table.Column<long>(type: "INTEGER", nullable: false),
                    Memo = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SettledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stub_invoices", x => x.PaymentHash);
                });

            migrationBuilder.CreateTable(
                name: "stub_payments",
                columns: table => new
                {
                    PaymentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PaymentRequest = table.Column<string>(type: "TEXT", nullable: false),
                    AmountSats = table.Column<long>(type: "INTEGER", nullable: false),
                    Preimage = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stub_payments", x => x.PaymentHash);
                });

            migrationBuilder.CreateTable(
                name: "messages",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConversationId = table.Column<int>(type: "INTEGER", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Content = table.Column<string>(type: "TEXT", nullable: false),
                    IsComplete = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_messages_conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_idempotency_keys", x => x.Key);
                    table.ForeignKey(
                        name: "FK_idempotency_keys_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "invoices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PaymentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PaymentRequest = table.Column<string>(type: "TEXT", nullable: false),
                    AmountSats = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PaidAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invoices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_invoices_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_invoices_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "session_ledger",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AmountSats = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: true),
                    InvoiceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_session_ledger", x => x.Id);
                    table.ForeignKey(
                        name: "FK_session_ledger_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "session_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReservedSats = table.Column<long>(type: "INTEGER", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Request = table.Column<string>(type: "TEXT", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Result = table.Column<string>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", nullable: true),
                    EvalInputTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    EvalOutputTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    WorkInputTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    WorkOutputTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    EvalSats = table.Column<long>(type: "INTEGER", nullable: false),
                    WorkSats = table.Column<long>(type: "INTEGER", nullable: false),
                    BtcPriceUsd = table.Column<decimal>(type: "TEXT", precision: 28, scale: 12, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SettledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_session_requests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_session_requests_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_idempotency_keys_JobId",
                table: "idempotency_keys",
                column: "JobId");

            migrationBuilder.CreateIndex(
                name: "IX_invoices_JobId_Kind",
                table: "invoices",
                columns: new[] { "JobId", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_invoices_PaymentHash",
                table: "invoices",
                column: "PaymentHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_invoices_SessionId",
                table: "invoices",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_State",
                table: "jobs",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_State_LeaseExpiresAt",
                table: "jobs",
                columns: new[] { "State", "LeaseExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_messages_ConversationId_Id",
                table: "messages",
                columns: new[] { "ConversationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_session_ledger_InvoiceId",
                table: "session_ledger",
                column: "InvoiceId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_session_ledger_SessionId",
                table: "session_ledger",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_session_requests_SessionId",
                table: "session_requests",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_sessions_State",
                table: "sessions",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.DropTable(
                name: "invoices");

            migrationBuilder.DropTable(
                name: "messages");

            migrationBuilder.DropTable(
                name: "server_secrets");

            migrationBuilder.DropTable(
                name: "session_ledger");

            migrationBuilder.DropTable(
                name: "session_requests");

            migrationBuilder.DropTable(
                name: "stub_invoices");

            migrationBuilder.DropTable(
                name: "stub_payments");

            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.DropTable(
                name: "conversations");

            migrationBuilder.DropTable(
                name: "sessions");
        }
    }
}
