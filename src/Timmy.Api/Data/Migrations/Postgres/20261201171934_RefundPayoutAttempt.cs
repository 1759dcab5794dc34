using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Timmy.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RefundPayoutAttempt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RefundAttemptedAt",
                table: "jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_jobs_RefundState",
                table: "jobs",
                column: "RefundState");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_jobs_RefundState",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "RefundAttemptedAt",
                table: "jobs");
        }
    }
}
