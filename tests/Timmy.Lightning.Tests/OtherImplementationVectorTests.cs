namespace Timmy.Lightning.Tests;

/// <summary>
/// Extra invoice strings (test data only) from eclair's Bolt11InvoiceSpec, a second
/// implementation's view of what must be accepted or rejected.
/// </summary>
public class OtherImplementationVectorTests
{
    [Theory]
    [InlineData("lnbc1qqygh9qpp5s7zxqqqqqqqqqqqqpjqqqqqqqqqqqqqqqqqqcqpjqqqsqqqqqqqqdqqqqqqqqqqqqqqqqqqqqqqqqqqqqquqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqzxqqqqqqqqqqqqqqqy6f523d")]
    [InlineData("lnbc1qqqqpqqnp4qqqlftcw9qqqqqqqqqqqqygh9qpp5qpp5s7zxqqqqcqpjpqqygh9qpp5s7zxqqqqcqpjpqqlqqqqqqqqqqqqcqqpqqqqqqqqqqqsqqqqqqqqdqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqpqqqqqqqqqqqqqqqqqqqqqqqqqqqqqlqqqcqpjptfqptfqptfqpqqqqqqqqqqqqqqqqqqq8ddm0a")]
    [InlineData("lnbc1p5q54jjpp5fe0dhqdt4m97psq0fv3wjlk95cclnatvuvq49xtnc8rzrp0dysusdqqcqzzsxqrrs0fppqy6uew5229e67r9xzzm9mjyfwseclstdgsp5rnanj9x5rnanj9xnq28hhgd6c7yxlmh6lta047h6lqqqqqqqqqqqrqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq6qqqqqqqqqqqqqqqqqqq9kvnknh7ug5mttnqqqqqqqqq8849gwfhvnp9rqpe0cy97")]
    [InlineData("lnbc1p5q54jjpp5fe0dhqdt4m97psq0fv3wjlk95cclnatvuvq49xtnc8rzrp0d5susdqqcqg3vrywwwjsppqy6uew5229e67rzxzzm9mjyfwseclstdgsp5rnanj9xnq28hhgd6c7yxlmh6lta047h6lqqqqqqqqqqqrqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq9kvnknh7ug5mttn2yu5ha6m98cpda2rtwu08849gwfhvnp9rqpqqqqqqqqqg58lts")]
    [InlineData("lnbc1qzupp9qsp5pvgsuqqpgczuppczc3pcz3syzy8q2xqqqqqqqqqqqqqqqqqygh9qpp5s7zxqqqqqqqqqqyqymqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqhp5qs97qqqqqqqpqqyqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqptfqptfqptfqptfqptfqptfqptfqptfq95xtfqptfqp3w9chzut3w9chj95xw7tfpp35qqqw9chzuqt3w9chzut3qptfqptfqptfqptfqptfqptfqpqw9cqqqqt28y39")]
    [InlineData("lnbc1230p1pwljzn3pp5qyqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqdq52dhk6efqd9h8vmmfvdjs9qypqsqylvwhf7xlpy6xpecsnpcjjuuslmzzgeyv90mh7k7vs88k2dkxgrkt75qyfjv5ckygw206re7spga5zfd4agtdvtktxh5pkjzhn9dq2cqz9upw7")]
    public void Eclair_invalid_invoices_are_rejected_past_the_checksum(string invoice)
    {
        var ex = Assert.Throws<Bolt11FormatException>(() => Bolt11Invoice.Decode(invoice));

        // Make sure the string was copied intact, so the test reaches the interesting check.
        Assert.NotEqual("invalid checksum", ex.Message);
    }

    [Theory]
    [InlineData("lnbc40n1pw9qjvwsp5mehkatggqqk9f0h03rd0fpjtyd2gx9n97rvgldmfk3sqh24kfvfspp5qq3w2ln6krepcslqszkrsfzwy49y0407hvks30ec6pu9s07jur3sdpstfshq5n9v9jzucm0d5s8vmm5v5s8qmmnwssyj3p6yqenwdencqzysxqrrss7ju0s4dwx6w8a95a9p2xc5vudl09gjl0w2n02sjrvffde632nxwh2l4w35nqepj4j5njhh4z65wyfc724yj6dn9wajvajfn5j7em6wsqgvq34k", "03950b5929d3bfef57926c0e05e0144a6952b48376da4a69d014cd96bdc5f1286e", 4_000L)]
    [InlineData("lnbc1500n1pwyvqwfsp5p93pdtn2y9xpuktl5sg46eavxv04dgs4muc4xraz8af956mtqxjqpp5p5nxwpuk02nd2xtzwex97gtjlpdv0lxj5z08vdd0hes7a0h437qsdpa2fjkzep6yp8kumrfdejjqempd43xc6twvusxjueqd9kxcet8v9kzqct8v95kucqzysxqr23s8r9seqv6datylwtjcvlpdkukfep7g80hujz3w8t599saae7gap6j48gs97z4fvrx4t4ajra6pvdyf5ledw3tg7h2s3606qm79kk59zqpkuhphr", "0360d2ffd5c973b86fd46a6d8835448ad36a14779f194c1743aa85af17da33d8ee", 150_000L)]
    [InlineData("lnbc800n1pwykdmfsp5l4v4pszfgdygefagcap02vj60k5fhf3dsaxpwzmyzm5lddvm653qpp5zqjae54l4ecmvm9v338vw2n07q2ehywvy4pvay53s7068t8yjvhqdqddpjkcmr0yysjzcqp27lya2lz7d80uxt6vevcwzy32227j3nsgyqlrxuwgs22u6728ldszlc70qgcs56wglrutn8jnnnelsk38d6yaqccmw8kmmdlfsyjd20qpvddzjr", "037041b5bfd757cf169001bf8b12ee6cbec6fd28580f602ac8265eefa86f2784c5", 80_000L)]
    public void Eclair_real_world_invoices_recover_their_payee(string invoice, string payee, long amountMsat)
    {
        var decoded = Bolt11Invoice.Decode(invoice);

        Assert.Equal(payee, decoded.PayeeNodeIdHex);
        Assert.Equal(amountMsat, decoded.AmountMsat);
    }

    [Theory]
    [InlineData("lnbcrt11pj8wdh7sp5p2052f28az75s3eauqjskcwrzrjujf7rfqspsvk6hgppywytrdzspp5670t00mwakdy0l5w3lnw4rhdgnv4ctep974am6jp0zma627fhdfsdqqxqyjw5qcqp29qyysgqh2ce2cmptj33l35a9pt2l603aa34jpj8p35s302l0lhuujmtmkghrmkadv456h3rpsxjpschnpt5ugzltqsjtauvnfy799aufapav6gp202th5", 100_000_000_000L)]
    [InlineData("lnbcrt10001pj8wd3rsp5cv2vayxnm7d4783r0477rstzpkl7n4ftmalgu9v8akzf0nhqrs3qpp5vednenalh0v6gzxpzrdxf9cepv4274vc0tax5389cjq0zv9qvs9sdqqxqyjw5qcqp29qyysgqk5f8um72jlnw9unjltdgxw9e2fvec0cxq05tcwuen2jpu42q4p9pt2djk2ysu62nkpg49km59wrexm0wt3msevz53fr2tfnqxf5sdnqpu8th97", 100_000_000_000_000L)]
    public void Regtest_amounts_without_a_multiplier_decode(string invoice, long amountMsat)
    {
        var decoded = Bolt11Invoice.Decode(invoice);

        Assert.Equal(BitcoinNetwork.Regtest, decoded.Network);
        Assert.Equal(amountMsat, decoded.AmountMsat);
        Assert.Equal("", decoded.Description);
        Assert.Equal([8, 14, 17], decoded.FeatureBits);
        Assert.Equal(TimeSpan.FromSeconds(604800), decoded.Expiry);
        Assert.Equal(10, decoded.MinFinalCltvExpiry);
    }
}
