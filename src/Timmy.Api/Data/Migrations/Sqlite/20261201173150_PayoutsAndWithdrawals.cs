using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Timmy.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PayoutsAndWithdrawals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "WithdrawalId",
                table: "session_ledger",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RefundAttemptedAt",
                table: "jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "session_withdrawals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AmountSats = table.Column<long>(type: "INTEGER", nullable: false),
                    PaymentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SettledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_session_withdrawals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_session_withdrawals_sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_RefundState",
                table: "jobs",
                column: "RefundState");

            migrationBuilder.CreateIndex(
                name: "IX_session_withdrawals_SessionId",
                table: "session_withdrawals",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_session_withdrawals_State",
                table: "session_withdrawals",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "session_withdrawals");

            migrationBuilder.DropIndex(
                name: "IX_jobs_RefundState",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "WithdrawalId",
                table: "session_ledger");

            migrationBuilder.DropColumn(
                name: "RefundAttemptedAt",
                table: "jobs");
        }
    }
}
