using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Timmy.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RefundPayoutAttempt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RefundAttemptedAt",
                table: "jobs",
                type: "INTEGER",
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
