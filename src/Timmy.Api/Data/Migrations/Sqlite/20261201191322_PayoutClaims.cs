using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Timmy.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PayoutClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "payout_claims",
                columns: table => new
                {
                    PaymentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PayoutOf = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClaimedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payout_claims", x => x.PaymentHash);
                });

            // Payouts already started or paid hold their invoices from the start.
            migrationBuilder.Sql("""
                INSERT OR IGNORE INTO payout_claims ("PaymentHash", "Purpose", "PayoutOf", "ClaimedAt")
                SELECT "RefundPaymentHash", 'Refund', "Id", COALESCE("RefundAttemptedAt", "UpdatedAt") FROM jobs
                WHERE "RefundPaymentHash" IS NOT NULL AND "RefundState" IN ('Paying', 'Paid');
                """);
            migrationBuilder.Sql("""
                INSERT OR IGNORE INTO payout_claims ("PaymentHash", "Purpose", "PayoutOf", "ClaimedAt")
                SELECT "PaymentHash", 'Withdrawal', "Id", "CreatedAt" FROM session_withdrawals
                WHERE "State" IN ('Paying', 'Paid');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payout_claims");
        }
    }
}
